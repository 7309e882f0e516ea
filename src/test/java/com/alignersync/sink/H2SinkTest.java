package com.alignersync.sink;

import com.alignersync.sink.support.ClinicTarget;
import com.alignersync.sink.support.H2ClinicTarget;

/** The sink contract against H2 in MODE=MSSQLServer: runs on every build. */
class H2SinkTest extends SinkContractTest {

    @Override
    ClinicTarget target() throws Exception {
        return new H2ClinicTarget();
    }
}
