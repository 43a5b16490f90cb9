package io.alphadecay.trainer.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.client.EsdClient;
import io.alphadecay.common.security.Tokens;
import io.alphadecay.trainer.checkpoint.CheckpointStore;
import io.alphadecay.trainer.config.TrainerProperties;
import io.alphadecay.trainer.model.Devices;
import io.alphadecay.trainer.training.DjlTrainingJob;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** The trainer-service's worker: claims runs from the control-api and trains them on the configured device. */
@Component
class TrainerWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrainerWorker.class);

    private final TrainerProperties properties;
    private final Tokens tokens;
    private final TrainerMeters meters;
    private WorkerLoop loop;
    private ExecutorService background;

    TrainerWorker(TrainerProperties properties, Tokens tokens, MeterRegistry registry) {
        this.properties = properties;
        this.tokens = tokens;
        this.meters = new TrainerMeters(registry);
    }

    @Override
    public synchronized void start() {
        if (!properties.worker().enabled()) {
            log.info("The worker is disabled (alphadecay.worker.enabled=false): no runs will be claimed");
            return;
        }
        TrainerProperties.Worker settings = properties.worker();
        Device device = Devices.resolve(settings.device());
        String workerId = settings.id().isBlank() ? defaultWorkerId() : settings.id();
        ControlApiClient controlApi = ControlApiClient.builder(properties.controlApiUrl(), tokens.serviceToken())
                .build();
        EsdClient esd = new EsdClient(
                properties.esdUrl(), tokens.serviceToken(), Duration.ofMinutes(30), EsdClient.defaultRetry());
        CheckpointStore checkpoints = new CheckpointStore(settings.checkpoints(properties.home()));
        background = Executors.newFixedThreadPool(Math.max(1, settings.slots()), r -> {
            Thread thread = new Thread(r, "trainer-analysis");
            thread.setDaemon(true);
            return thread;
        });
        RunExecutor executor = new RunExecutor(
                controlApi,
                settings.heartbeatInterval().toMillis(),
                settings.metricFlushInterval().toMillis(),
                settings.metricBufferLimit(),
                meters);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("workerId", workerId);
        provenance.put("device", device.toString());
        provenance.put(
                "engine",
                Engine.getInstance().getEngineName() + " "
                        + Engine.getInstance().getVersion());
        provenance.put("djl", Engine.getDjlVersion());
        provenance.put("java", System.getProperty("java.version"));
        loop = new WorkerLoop(
                controlApi,
                executor,
                run -> new DjlTrainingJob(run, properties.home(), device, checkpoints, esd, background),
                workerId,
                provenance,
                settings.pollInterval().toMillis());
        loop.start(settings.slots());
        log.info(
                "Worker {} claims runs from {} on {} with {} slot(s)",
                workerId,
                properties.controlApiUrl(),
                device,
                settings.slots());
    }

    @Override
    public synchronized void stop() {
        if (loop != null) {
            loop.close();
            loop = null;
        }
        if (background != null) {
            background.shutdownNow();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return loop != null;
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (UnknownHostException ex) {
            host = "trainer";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
