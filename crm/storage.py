"""Storage for files that only access-checked views may serve (archive scans, DOMAIN §9)."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: a file can be streamed by a view that checked access, never
    linked. Asking for a URL is a programming error, so it fails loudly instead of pointing at MEDIA_URL."""

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; stream them through a view that checks access")
