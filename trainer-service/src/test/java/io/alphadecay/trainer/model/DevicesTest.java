package io.alphadecay.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @Test
    void resolvesNamesAgainstTheGpusTheEngineSees() {
        assertThat(Devices.resolve("auto", 0)).isEqualTo(Device.cpu());
        assertThat(Devices.resolve(null, 2)).isEqualTo(Device.gpu());
        assertThat(Devices.resolve(" CPU ", 2)).isEqualTo(Device.cpu());
        assertThat(Devices.resolve("gpu", 1)).isEqualTo(Device.gpu(0));
        assertThat(Devices.resolve("cuda:1", 2)).isEqualTo(Device.gpu(1));
        assertThatThrownBy(() -> Devices.resolve("gpu", 0)).hasMessageContaining("sees 0 GPU");
        assertThatThrownBy(() -> Devices.resolve("gpu:2", 2)).hasMessageContaining("sees 2 GPU");
        assertThatThrownBy(() -> Devices.resolve("tpu", 2)).hasMessageContaining("unknown device");
    }
}
