/** The webhook input: where a Supabase Database Webhook body becomes a change event, its authentication and limits. */
package com.alignersync.source.webhook;
