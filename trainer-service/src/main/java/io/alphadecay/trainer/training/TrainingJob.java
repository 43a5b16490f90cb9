package io.alphadecay.trainer.training;

import java.util.Optional;

import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.checkpoint.NewCheckpoint;

/** One run's training, resumable: it starts from the run's latest checkpoint when there is one. */
public interface TrainingJob {

    /** Trains to the last step, or until {@link Control#stopRequested()}; returns which of the two happened. */
    Outcome run(Control control) throws Exception;

    enum Outcome {
        COMPLETED,
        STOPPED
    }

    /**
     * How a job talks to the worker that runs it, and through it to the control-api: the job's only channel there.
     * No method throws when the control-api is unreachable; training goes on. Called from the training thread and
     * from the job's analysis thread.
     */
    interface Control {

        boolean stopRequested();

        void progress(long step, long tokensSeen, double etaSeconds);

        void metric(String name, long step, double value);

        void event(String type, String message);

        /** Registers a committed checkpoint; if that fails the checkpoint is still on disk and resumable. */
        void checkpointCommitted(NewCheckpoint checkpoint);

        /** The decays the control-api assigns now, with operators' overrides; empty if it cannot say. */
        Optional<DecayAssignment> decayAssignment();
    }
}
