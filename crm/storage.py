"""Storage for files that only access-checked views may serve (archive scans, DOMAIN §9)."""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: a file can be streamed by a view that checked access, never
    linked. Asking for a URL is a programming error, so it fails loudly instead of pointing at MEDIA_URL."""

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; stream them through a view that checks access")


class ArchiveStorage(LazyObject):
    """``STORAGES["archives"]``, looked up when first used rather than when the models load, and looked up again
    when the setting changes (tests point it at a temporary folder)."""

    def _setup(self) -> None:
        self._wrapped = storages["archives"]


archive_storage = ArchiveStorage()


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        archive_storage._wrapped = empty
