using System.Runtime.InteropServices;
using Store.Hosting;

namespace Store.Tests.Hosting;

public sealed class NativeHeapTests
{
    [Fact]
    public void An_arena_limit_the_owner_set_is_left_alone()
    {
        Assert.False(NativeHeap.LimitArenas(name => name == "MALLOC_ARENA_MAX" ? "8" : null));
    }

    [Fact]
    public void Glibc_takes_the_arena_limit()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(NativeHeap.LimitArenas(_ => null));
    }

    [Fact]
    public void A_threshold_the_owner_set_is_left_alone()
    {
        Assert.False(NativeHeap.FixMmapThreshold(name => name == "MALLOC_MMAP_THRESHOLD_" ? "131072" : null));
    }

    /// <summary>
    /// With the threshold fixed, a block above it is mapped on its own (glibc marks such a chunk IS_MMAPPED, bit 1 of the
    /// size word before it), whatever larger blocks this process freed before and would have raised the threshold to.
    /// </summary>
    [Fact]
    public void With_the_threshold_fixed_a_large_block_is_mapped_on_its_own()
    {
        if (!OperatingSystem.IsLinux()) return;
        var raise = Marshal.AllocHGlobal(8 * 1024 * 1024);
        Marshal.FreeHGlobal(raise); // without a fixed threshold, glibc now keeps blocks up to 8 MiB in the arenas
        Assert.True(NativeHeap.FixMmapThreshold(_ => null));
        var block = Marshal.AllocHGlobal(NativeHeap.MmapThreshold + 64 * 1024);
        try
        {
            Assert.NotEqual(0L, Marshal.ReadInt64(block, -8) & 2);
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }

    /// <summary>
    /// What the minute's trim is for: memory freed below a block still in use stays with malloc (free only gives back the
    /// top of a heap), and the trim hands those pages back.
    /// </summary>
    [Fact]
    public void A_trim_gives_back_what_was_freed_below_a_live_block()
    {
        if (!OperatingSystem.IsLinux()) return;
        const int count = 512, size = 64 * 1024; // below glibc's mmap threshold: these come from an arena
        var blocks = new nint[count];
        for (var i = 0; i < count; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(size); // malloc on Linux
            for (var page = 0; page < size; page += 4096) Marshal.WriteByte(blocks[i], page, 1);
        }
        for (var i = 0; i < count - 1; i++) Marshal.FreeHGlobal(blocks[i]);
        try
        {
            Assert.True(NativeHeap.Trim());
        }
        finally
        {
            Marshal.FreeHGlobal(blocks[count - 1]);
        }
    }
}
