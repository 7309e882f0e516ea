/** The three inputs that read the portal: CDC, webhook and poll, each in its own package. */
package com.alignersync.source;
