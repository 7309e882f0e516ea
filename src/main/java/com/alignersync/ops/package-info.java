/** What operators see: status snapshots that each part of the daemon publishes, read by HTTP and the CLI. */
package com.alignersync.ops;
