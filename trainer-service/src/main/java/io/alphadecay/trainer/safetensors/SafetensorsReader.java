package io.alphadecay.trainer.safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.types.Shape;
import io.alphadecay.safetensors.CountingInputStream;
import io.alphadecay.safetensors.MalformedCheckpointException;
import io.alphadecay.safetensors.SafetensorsHeader;

/** Opens safetensors files for resuming: checks the header against the file before any tensor is read, with the
 * same validation the esd-service applies to uploads. */
public final class SafetensorsReader {

    /** Far above any real header; a larger length means a corrupt or foreign file. */
    static final int MAX_HEADER_BYTES = 100 * 1024 * 1024;

    private SafetensorsReader() {
    }

    public static SafetensorsFile open(Path path) throws IOException {
        long fileSize = Files.size(path);
        SafetensorsHeader header;
        long dataStart;
        try (CountingInputStream in = new CountingInputStream(Files.newInputStream(path))) {
            header = SafetensorsHeader.read(in, MAX_HEADER_BYTES);
            dataStart = in.count();
        }
        catch (MalformedCheckpointException ex) {
            throw new IOException(path + ": " + ex.getMessage(), ex);
        }
        if (dataStart + header.dataBytes() != fileSize) {
            throw new IOException(path + ": tensors cover " + header.dataBytes() + " bytes of a "
                    + (fileSize - dataStart) + "-byte data section");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (var tensor : header.tensors()) {
            tensors.put(tensor.name(), new TensorInfo(tensor.name(), tensor.dtype().name(), new Shape(tensor.shape()),
                    tensor.begin(), tensor.end()));
        }
        return new SafetensorsFile(path, dataStart, header.metadata(), tensors);
    }
}
