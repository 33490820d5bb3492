"""Jobs: the JobBackend seam, the embedded (SQLite) backend, and the service that
takes a submitted graph through validation, the queue and the engine."""
from .backend import FINISHED, JobBackend, JobRecord, JobStatus
from .embedded import EmbeddedBackend
from .records import SubmitResult
from .service import JobService

__all__ = ["FINISHED", "EmbeddedBackend", "JobBackend", "JobRecord", "JobService", "JobStatus",
           "SubmitResult"]
