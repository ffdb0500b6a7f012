#ifndef DATAMAP_CPLATFORM_H
#define DATAMAP_CPLATFORM_H

/// Swaps two paths in one step (Linux renameat2 with RENAME_EXCHANGE), so that readers of
/// `outbox/` see the old set of outputs or the new, never a mixture. Returns 0, or -1 with
/// errno set (EINVAL or ENOSYS where the file system or kernel cannot exchange).
int datamap_exchange_paths(const char *first, const char *second);

#endif
