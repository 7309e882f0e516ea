/** What operators see: the status snapshots each part publishes, the status command's view of data/ and the live parts, and the preflight checks. */
package com.alignersync.ops;
