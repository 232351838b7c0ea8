package io.wasmchord.host;

import io.wasmchord.io.ByteSource;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory map of a whole file through {@code java.lang.foreign}: one segment of any size
 * (files past 2 GiB and 4 GiB included), paged in by the OS as it is touched.
 */
public final class MappedFile implements ByteSource {
    private final String name;
    private final Arena arena;
    private final MemorySegment segment;
    /** Slices share the parent's mapping and must not unmap it. */
    private final boolean ownsMapping;

    private MappedFile(String name, Arena arena, MemorySegment segment, boolean ownsMapping) {
        this.name = name;
        this.arena = arena;
        this.segment = segment;
        this.ownsMapping = ownsMapping;
    }

    public static MappedFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory, not a model file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment segment = channel.size() == 0
                    ? MemorySegment.NULL.reinterpret(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new MappedFile(path.toString(), arena, segment, true);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The mapped bytes, for kernels that read weights in place. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public byte get(long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        ByteSource.checkRange(segment.byteSize(), offset, length);
        // Segment to segment: the array overload of MemorySegment.copy resolves the array's type through
        // a pattern switch whose bootstrap spins a class at run time, ~10 ms of a cold start.
        MemorySegment.copy(segment, offset, segmentOf(dst), dstOffset, length);
    }

    /** The last destination array and its segment: decode reads each token's embedding row into the same one. */
    private record ArrayView(byte[] array, MemorySegment segment) {
    }

    private volatile ArrayView lastView;

    /** Wrapping an array allocates a segment (it escapes into the copy): once per decoded token without this. */
    private MemorySegment segmentOf(byte[] dst) {
        ArrayView view = lastView;
        if (view == null || view.array() != dst) {
            view = new ArrayView(dst, MemorySegment.ofArray(dst));
            lastView = view;
        }
        return view.segment();
    }

    /** A view that is itself segment-backed, so kernels can reach the memory of any tensor. */
    @Override
    public MappedFile slice(long offset, long length) {
        ByteSource.checkRange(segment.byteSize(), offset, length);
        return new MappedFile(name, arena, segment.asSlice(offset, length), false);
    }

    @Override
    public void close() {
        if (ownsMapping && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
