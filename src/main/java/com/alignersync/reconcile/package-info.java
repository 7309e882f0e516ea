/** Reconcile (deletes the inputs missed, sent through the sink) and verify (portal vs SQL Server drift, with repair). */
package com.alignersync.reconcile;
