package io.alphadecay.trainer.training;

import io.alphadecay.trainer.client.ControlApiClient;

/** Builds the training of a claimed run: model, data, optimizer and its latest checkpoint. */
@FunctionalInterface
public interface TrainingJobFactory {

    TrainingJob create(ControlApiClient.Run run) throws Exception;
}
