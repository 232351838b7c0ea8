package io.wasmchord.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.io.ByteSource;
import io.wasmchord.quant.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFileTest {
    private static final long GIB = 1L << 30;

    /**
     * A sparse 5 GiB GGUF: a 4.5 GiB filler tensor, then a small tensor whose bytes lie past 4 GiB.
     * Only the header and the last tensor occupy disk.
     */
    @Test
    void mapsFilesLargerThanFourGiB(@TempDir Path dir) throws IOException {
        long fillerValues = 4 * GIB + GIB / 2;
        float[] probe = {1.5f, -2.25f, 3.0e-7f, 65504f, -0.0f, 7f, 8f, 9f};
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.of("sparse-test"));
        w.addTensor("filler", GgmlType.I8, new long[] {fillerValues}, out -> { });
        w.addTensor("probe", GgmlType.F32, new long[] {probe.length}, out -> { });
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        try {
            w.write(header);
        } catch (IOException expected) {
            // The callbacks write nothing: we only want the header bytes, which come first.
        }
        Path file = dir.resolve("sparse.gguf");
        long probeOffset;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header.toByteArray());
            long dataStart = (header.size() + 31) / 32 * 32;
            probeOffset = dataStart + fillerValues;
            raf.seek(probeOffset);
            for (float f : probe) {
                raf.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(f)));
            }
            raf.setLength(5 * GIB);
        }
        try (MappedFile mapped = MappedFile.open(file); GgufFile gguf = GgufFile.open(mapped)) {
            assertEquals(5 * GIB, mapped.size());
            GgufTensor t = gguf.tensor("probe");
            assertEquals(probeOffset, t.dataOffset());
            ByteSource data = gguf.data(t);
            byte[] bytes = new byte[probe.length * 4];
            data.read(0, bytes, 0, bytes.length);
            for (int i = 0; i < probe.length; i++) {
                assertEquals(probe[i], io.wasmchord.io.LittleEndian.getFloat(bytes, 4 * i));
            }
            assertEquals(bytes[5], data.get(5));
            assertEquals(0, mapped.get(3 * GIB)); // a hole in the sparse file, past 2 GiB
            assertEquals(0, mapped.get(5 * GIB - 1));
            assertThrows(IndexOutOfBoundsException.class, () -> mapped.read(5 * GIB - 2, new byte[4], 0, 4));
        }
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> MappedFile.open(dir.resolve("nope.gguf")));
        assertEquals(dir.resolve("nope.gguf").toString(), e.getFile());
        assertThrows(IOException.class, () -> MappedFile.open(dir));
    }

    @Test
    void emptyFileMapsToNothing(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.gguf"));
        try (MappedFile mapped = MappedFile.open(empty)) {
            assertEquals(0, mapped.size());
        }
    }

    @Test
    void readsIntoTheMiddleOfAnArray(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bytes.bin");
        byte[] content = new byte[300];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7 + 1);
        }
        Files.write(f, content);
        try (MappedFile mapped = MappedFile.open(f)) {
            byte[] dst = new byte[20];
            java.util.Arrays.fill(dst, (byte) -1);
            mapped.read(250, dst, 3, 12);
            for (int i = 0; i < dst.length; i++) {
                byte expected = i >= 3 && i < 15 ? content[250 + i - 3] : -1;
                assertEquals(expected, dst[i], "byte " + i);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> mapped.read(295, dst, 0, 6));
        }
    }
}
