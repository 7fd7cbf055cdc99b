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
}
