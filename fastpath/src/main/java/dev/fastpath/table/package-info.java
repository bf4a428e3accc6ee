/** Connection lookup: the 4-tuple hash table and the ephemeral port allocator. */
package dev.fastpath.table;
