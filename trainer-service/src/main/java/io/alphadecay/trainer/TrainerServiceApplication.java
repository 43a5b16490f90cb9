package io.alphadecay.trainer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TrainerServiceApplication {

    public static void main(String[] args) {
        // Engines come from Maven Central with the jar; nothing is ever downloaded at run time.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        SpringApplication.run(TrainerServiceApplication.class, args);
    }
}
