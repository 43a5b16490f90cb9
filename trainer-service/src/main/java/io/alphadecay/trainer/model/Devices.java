package io.alphadecay.trainer.model;

import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Turns a configured device name into a DJL device, so that moving to a GPU is a setting and not code. */
public final class Devices {

    private Devices() {}

    /**
     * {@code cpu}, {@code gpu} (the first GPU), {@code gpu:N}, or {@code auto}: the first GPU when the engine sees
     * one, else the CPU. Asking for a GPU the engine does not have is an error rather than a silent CPU run.
     */
    public static Device resolve(String name) {
        return resolve(name, Engine.getInstance().getGpuCount());
    }

    static Device resolve(String name, int gpuCount) {
        String key = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("auto")) {
            return gpuCount > 0 ? Device.gpu() : Device.cpu();
        }
        if (key.equals("cpu")) {
            return Device.cpu();
        }
        int index = -1;
        if (key.equals("gpu") || key.equals("cuda")) {
            index = 0;
        } else if (key.matches("(gpu|cuda):\\d{1,3}")) {
            index = Integer.parseInt(key.substring(key.indexOf(':') + 1));
        }
        if (index < 0) {
            throw new IllegalArgumentException("unknown device '" + name + "', expected cpu, gpu, gpu:N or auto");
        }
        if (index >= gpuCount) {
            throw new IllegalArgumentException(
                    "device " + key + " requested but the engine sees " + gpuCount + " GPU(s)");
        }
        return Device.gpu(index);
    }
}
