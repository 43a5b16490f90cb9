package io.alphadecay.control.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Gives runs of vanished workers back to the queue, so that no run stays RUNNING forever. */
@Component
class LeaseReaper {

    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

    private final RunService runs;

    LeaseReaper(RunService runs) {
        this.runs = runs;
    }

    @Scheduled(
            fixedDelayString = "${alphadecay.leases.reaper-interval:5s}",
            initialDelayString = "${alphadecay.leases.reaper-interval:5s}")
    void reap() {
        try {
            int reaped = runs.reapExpiredLeases();
            if (reaped > 0) {
                log.info("Reaped {} run(s) whose lease expired", reaped);
            }
        } catch (RuntimeException ex) {
            log.warn("Lease reaping failed; will retry: {}", ex.getMessage());
        }
    }
}
