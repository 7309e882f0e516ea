package com.alignersync.source.cdc;

/**
 * Runs after the sink committed a batch and before its offsets are marked processed. The
 * daemon passes {@link #NONE}; tests inject a crash here, the one moment a redelivery can
 * follow a committed write.
 */
@FunctionalInterface
public interface CommitHook {

    CommitHook NONE = batchSize -> {
    };

    void afterSinkCommit(int batchSize);
}
