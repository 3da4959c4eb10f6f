"""The model store: which voices can be downloaded, and installing them for both programs.

Plain Python with no torch or Qt import, so ``e2a voices`` stays fast and a node
can use voices the desktop installed (they share the user data dir).
"""

from __future__ import annotations

from .catalogue import CPML, Catalogue, CatalogueEntry, Licence, RemoteFile, load_catalogue
from .download import DownloadError, DownloadProgress, ProgressCallback
from .store import InstallRecord, LicenceCallback, LicenceRefused, ModelStore, safe_name

__all__ = ["CPML", "Catalogue", "CatalogueEntry", "DownloadError", "DownloadProgress",
           "InstallRecord", "Licence", "LicenceCallback", "LicenceRefused", "ModelStore",
           "ProgressCallback", "RemoteFile", "load_catalogue", "safe_name"]
