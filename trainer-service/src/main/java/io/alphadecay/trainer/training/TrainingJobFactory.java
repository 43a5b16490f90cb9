package io.alphadecay.trainer.training;

import io.alphadecay.api.run.Run;

/** Builds the training of a claimed run: model, data, optimizer and its latest checkpoint. */
@FunctionalInterface
public interface TrainingJobFactory {

    TrainingJob create(Run run) throws Exception;
}
