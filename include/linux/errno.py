# SPDX-License-Identifier: GPL-2.0-only
"""include/linux/errno.h (with include/uapi/asm-generic/errno-base.h and errno.h).

The error numbers the ported code returns. The kernel's convention is kept: a
function that fails returns the *negative* number (``return -EINVAL``).
"""

EPERM = 1
ENOENT = 2
ESRCH = 3
EINTR = 4
EIO = 5
ENXIO = 6
E2BIG = 7
ENOEXEC = 8
EBADF = 9
ECHILD = 10
EAGAIN = 11
ENOMEM = 12
EACCES = 13
EFAULT = 14
ENOTBLK = 15
EBUSY = 16
EEXIST = 17
EXDEV = 18
ENODEV = 19
ENOTDIR = 20
EISDIR = 21
EINVAL = 22
ENFILE = 23
EMFILE = 24
ENOTTY = 25
ETXTBSY = 26
EFBIG = 27
ENOSPC = 28
ESPIPE = 29
EROFS = 30
EMLINK = 31
EPIPE = 32
EDOM = 33
ERANGE = 34
ENOSYS = 38
ENODATA = 61
ENOLINK = 67
EOVERFLOW = 75
EILSEQ = 84
EOPNOTSUPP = 95
ETIMEDOUT = 110
EALREADY = 114
EHWPOISON = 133

# Kernel-internal numbers (never seen by user space).
ERESTARTSYS = 512
EPROBE_DEFER = 517
ENOTSUPP = 524

# Reverse table for messages: errname(-ENOMEM) == "ENOMEM".
_NAMES = {v: k for k, v in globals().items() if k.startswith("E") and isinstance(v, int)}


def errname(err):
    """Model-only: the symbolic name of an errno value (sign ignored), e.g. ``"EBUSY"``.

    Mirrors what lib/errname.c does in later kernels; v4.9 has no such helper.
    """
    return _NAMES.get(abs(err), str(err))


# include/linux/err.h: the ERR_PTR convention, for functions returning an
# object or an encoded error.
MAX_ERRNO = 4095


class ErrPtr:
    """include/linux/err.h: ERR_PTR() — an error encoded where a pointer is returned."""

    __slots__ = ("err",)

    def __init__(self, err):
        self.err = err

    def __repr__(self):
        return f"ERR_PTR(-{errname(self.err)})"


def ERR_PTR(err):
    """include/linux/err.h: ERR_PTR() — wrap a negative errno as a pointer value."""
    return ErrPtr(err)


def PTR_ERR(ptr):
    """include/linux/err.h: PTR_ERR() — the negative errno held by an ERR_PTR."""
    return ptr.err


def IS_ERR(ptr):
    """include/linux/err.h: IS_ERR() — true for an ERR_PTR value."""
    return isinstance(ptr, ErrPtr)


def IS_ERR_OR_NULL(ptr):
    """include/linux/err.h: IS_ERR_OR_NULL()."""
    return ptr is None or isinstance(ptr, ErrPtr)
