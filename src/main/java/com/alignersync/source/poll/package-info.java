/** The REST poll input: PostgREST client, keyset cursors, the poll loop and its schedule. */
package com.alignersync.source.poll;
