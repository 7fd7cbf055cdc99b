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
    /// glibc takes the fixed threshold. What it changes is not shown block by block here: a block above it is still
    /// served from free space an arena already holds (the test process has plenty), and only a block that would make a
    /// heap grow is mapped instead; the soak measured the effect on the heaps' extent (README "Soak", session 12).
    /// </summary>
    [Fact]
    public void Glibc_takes_the_fixed_mmap_threshold()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(NativeHeap.FixMmapThreshold(_ => null));
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
