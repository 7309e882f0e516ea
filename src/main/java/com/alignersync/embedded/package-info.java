/** The newcomer's embedded default: a real PostgreSQL as the portal and H2 as the clinic, under data/embedded. */
package com.alignersync.embedded;
