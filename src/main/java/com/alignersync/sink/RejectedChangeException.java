package com.alignersync.sink;

/** A change the clinic's data refuses for good (key conflict, unknown batch): dead-lettered, never retried. */
class RejectedChangeException extends Exception {

    RejectedChangeException(String reason) {
        super(reason);
    }
}
