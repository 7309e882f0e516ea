/** The daemon: start order of state, sink, HTTP and inputs; shutdown; one failure path with distinct exit codes. */
package com.alignersync.app;
