/** What operators see: the status snapshots each part publishes and their hour of history, the status command's view of data/ and the live parts (and its table), and the preflight checks. */
package com.alignersync.ops;
