"""Sources: the published pieces, by date, and a source's text with its statements' spans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select

from carebrowser.data.tables import Source, Stakeholder, Statement
from carebrowser.queries import reading
from carebrowser.queries.filters import PAGE_SIZE, Page
from carebrowser.queries.reading import Reader, after_cursor, checked_row_by_row
from carebrowser.queries.rows import SourceRow, SourceText, SpanRow


class SourceReader(Reader):
    """The sources, whole or a page at a time, and their texts."""

    def _source_select(self) -> Select[Any]:
        return select(
            Source.id,
            Source.key,
            Source.publication,
            Source.publication_evidence,
            Source.headline,
            Source.author,
            Source.date,
            Source.date_precision,
            Source.date_inferred,
            Source.date_evidence,
            Source.capture,
            Source.statement_count,
            Source.note,
        )

    def sources(self, search: str = "") -> list[SourceRow]:
        """Every source by date (those whose text matches *search*, when given)."""
        query = self._source_select().order_by(Source.date, Source.id)
        if search.strip():
            query = query.where(self._search.source_matches(search))
        with self.engine.connect() as connection:
            return [SourceRow(*row) for row in connection.execute(query)]

    def sources_page(
        self,
        search: str = "",
        *,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[SourceRow]:
        """One page of sources() (by date, then id), for choosers over a large archive."""
        order = (Source.date, Source.id)
        query = self._source_select().order_by(*order).limit(limit)
        if search.strip():
            matches = self._search.source_matches(search)
            if self._sqlite:
                # As in quotes(): with many matches, read by date and check each (bounded probe).
                probe = select(func.count()).select_from(
                    select(Source.id).where(matches).limit(reading.FEW_ROWS).subquery()
                )
                with self.engine.connect() as connection:
                    if int(connection.scalar(probe) or 0) >= reading.FEW_ROWS:
                        matches = checked_row_by_row(matches)
            query = query.where(matches)
        if after is not None:
            query = query.where(after_cursor(order, after, False))
        with self.engine.connect() as connection:
            rows = [SourceRow(*row) for row in connection.execute(query)]
        cursor = (rows[-1].date, rows[-1].id) if len(rows) == limit else None
        return Page(rows, cursor)

    def sources_by_ids(self, ids: Iterable[int]) -> list[SourceRow]:
        """The given sources, by date."""
        rows = self._rows_where_in(self._source_select(), Source.id, ids)
        return sorted((SourceRow(*row) for row in rows), key=lambda s: (s.date, s.id))

    def sources_by_keys(self, keys: Iterable[str]) -> list[SourceRow]:
        """The sources with these keys (those that exist), by date."""
        rows = self._rows_where_in(self._source_select(), Source.key, keys)
        return sorted((SourceRow(*row) for row in rows), key=lambda s: (s.date, s.id))

    def source_text(self, source_id: int) -> SourceText:
        """A source's cleaned text with the spans of its statements."""
        spans = (
            select(
                Statement.id,
                Statement.key,
                Statement.start,
                Statement.end,
                Stakeholder.name,
                Statement.kind,
            )
            .join(Stakeholder, Stakeholder.id == Statement.speaker_id)
            .where(Statement.source_id == source_id)
            .order_by(Statement.start, Statement.id)
        )
        with self.engine.connect() as connection:
            row = connection.execute(self._source_select().where(Source.id == source_id)).one()
            text_ = connection.scalar(select(Source.text).where(Source.id == source_id)) or ""
            span_rows = tuple(SpanRow(*s) for s in connection.execute(spans))
        return SourceText(SourceRow(*row), text_, span_rows)
