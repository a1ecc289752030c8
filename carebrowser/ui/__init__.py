"""The window: Qt panels and thin models over the Qt-free query layer."""
