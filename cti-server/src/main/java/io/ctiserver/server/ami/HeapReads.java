package io.ctiserver.server.ami;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;

/**
 * Socket reads into heap buffers (Netty reads into direct ones whatever the allocator prefers), sized adaptively
 * between 1 KiB and 64 KiB. The AMI decoder scans a heap buffer's array directly, several times faster than byte
 * reads from a direct buffer; the JDK's copy out of its own direct read buffer costs far less. The 64 KiB cap also
 * bounds what one read can add to the delivery queue after autoRead goes off.
 */
public final class HeapReads extends AdaptiveRecvByteBufAllocator {

    public static final int MAX_READ = 64 * 1024;

    public HeapReads() {
        super(1024, 16 * 1024, MAX_READ);
    }

    @Override
    public Handle newHandle() {
        return new DelegatingHandle(super.newHandle()) {
            @Override
            public ByteBuf allocate(ByteBufAllocator alloc) {
                return alloc.heapBuffer(guess());
            }
        };
    }
}
