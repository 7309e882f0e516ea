package com.alignersync.status;

import java.util.Optional;

/** Whether the daemon can do its work now; {@code GET /ready} answers 200 only when it can. */
@FunctionalInterface
public interface ReadinessCheck {

    /** @return empty when ready, else the reason and the fix, safe to show (no secrets) */
    Optional<String> notReadyReason();
}
