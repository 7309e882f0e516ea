/** The one change-event model every input produces: pure values, no I/O. */
package com.alignersync.event;
