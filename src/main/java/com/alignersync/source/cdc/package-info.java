/** The CDC input: the embedded Debezium engine, the mapping of its records to change events, and slot health. */
package com.alignersync.source.cdc;
