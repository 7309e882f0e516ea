package com.alignersync.sink;

import com.alignersync.sink.support.ClinicTarget;
import com.alignersync.sink.support.HostileClinicTarget;

/**
 * The sink contract through the SQL Server emulation layer with no fault armed: every
 * statement, savepoint, commit and {@code XACT_STATE()} probe passes through it, so the
 * contract holds on the layer the failure tests arm.
 */
class HostileSinkTest extends SinkContractTest {

    @Override
    ClinicTarget target() throws Exception {
        return new HostileClinicTarget();
    }
}
