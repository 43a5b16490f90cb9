package io.alphadecay.trainer.training;

/** One run's training, resumable: it starts from the run's latest checkpoint when there is one. */
public interface TrainingJob {

    /** Trains to the last step, or until {@link Control#stopRequested()}; returns which of the two happened. */
    Outcome run(Control control) throws Exception;

    enum Outcome {
        COMPLETED, STOPPED
    }

    /** How a job talks to the worker that runs it. Called from the training thread. */
    interface Control {

        boolean stopRequested();

        void progress(long step, long tokensSeen, double etaSeconds);

        void metric(String name, long step, double value);

        void event(String type, String message);
    }
}
