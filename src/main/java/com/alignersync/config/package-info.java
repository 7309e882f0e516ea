/** Configuration keys, loading (properties file, then environment) and one immutable record per section. */
package com.alignersync.config;
