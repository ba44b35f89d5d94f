"""The raw probe record both the C engine and its twin produce, compared field by field in tests."""

from typing import NamedTuple


class RawProbe(NamedTuple):
    landlock_abi: int  # > 0 ABI version, else -errno
    seccomp_filter: int  # 1 if errno-returning seccomp filters are available
    seccomp_errno: int
    seccomp_mode: int  # 0 none, 1 strict, 2 filter; -errno if unknown
    no_new_privs: int  # 0/1, -errno if unknown
    is_linux: int
