package io.alphadecay.esd;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class EsdServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(EsdServiceApplication.class, args);
    }
}
