/** The embedded HTTP server (Javalin on Jetty): routes of the inputs, status, health, readiness and metrics, JSON errors. */
package com.alignersync.http;
