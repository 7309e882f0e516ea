/** The embedded HTTP server (Javalin on Jetty): the status console, routes of the inputs, status, health, readiness, metrics, dead-letter replay, JSON errors. */
package com.alignersync.http;
