/** The data directory: atomic writes of offsets, cursors and other state files. */
package com.alignersync.state;
