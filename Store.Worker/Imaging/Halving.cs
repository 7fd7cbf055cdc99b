using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace Store.Imaging;

/// <summary>Halves an 8-bit picture in each direction, every output pixel the rounded mean of a 2x2 block.</summary>
public static class Halving
{
    /// <summary>A new picture of half the width and height (an odd last column or row is left out: its share of a preview is under a pixel).</summary>
    public static Image<Rgba32> Halve(Image<Rgba32> source, Configuration configuration)
    {
        var width = source.Width / 2;
        var height = source.Height / 2;
        var result = new Image<Rgba32>(configuration, Math.Max(1, width), Math.Max(1, height));
        if (width == 0 || height == 0) return result;
        var from = source.Frames.RootFrame;
        var to = result.Frames.RootFrame;
        for (var y = 0; y < height; y++)
        {
            var top = MemoryMarshal.Cast<Rgba32, uint>(from.DangerousGetPixelRowMemory(2 * y).Span);
            var bottom = MemoryMarshal.Cast<Rgba32, uint>(from.DangerousGetPixelRowMemory(2 * y + 1).Span);
            var row = MemoryMarshal.Cast<Rgba32, uint>(to.DangerousGetPixelRowMemory(y).Span);
            HalveRows(top, bottom, row);
        }
        return result;
    }

    /// <summary>
    /// Four output pixels at a time from eight of each row, 16 bits a channel so that four sums of 255 fit (Vector128:
    /// SSE on x64, NEON on a Raspberry Pi); the rest of the row, and machines without vectors, pixel by pixel.
    /// </summary>
    static void HalveRows(ReadOnlySpan<uint> top, ReadOnlySpan<uint> bottom, Span<uint> row)
    {
        var x = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // Unchecked loads and stores: the loop stops 4 output pixels (8 input pixels of each row) before either end.
            if (top.Length < 2 * row.Length || bottom.Length < 2 * row.Length) throw new ArgumentException("The rows are shorter than twice the output row");
            ref var topBytes = ref Unsafe.As<uint, byte>(ref MemoryMarshal.GetReference(top));
            ref var bottomBytes = ref Unsafe.As<uint, byte>(ref MemoryMarshal.GetReference(bottom));
            ref var rowBytes = ref Unsafe.As<uint, byte>(ref MemoryMarshal.GetReference(row));
            for (; x + 4 <= row.Length; x += 4)
            {
                var at = (nuint)(8 * x);
                var (q0, q1) = PairSums(Vector128.LoadUnsafe(ref topBytes, at), Vector128.LoadUnsafe(ref bottomBytes, at));
                var (q2, q3) = PairSums(Vector128.LoadUnsafe(ref topBytes, at + 16), Vector128.LoadUnsafe(ref bottomBytes, at + 16));
                var lowHalf = Vector128.Create(ulong.MaxValue, 0).AsUInt16();
                var low = (Vector128.ConditionalSelect(lowHalf, q0, q1) + Vector128.Create((ushort)2)) >> 2;
                var high = (Vector128.ConditionalSelect(lowHalf, q2, q3) + Vector128.Create((ushort)2)) >> 2;
                Vector128.Narrow(low, high).StoreUnsafe(ref rowBytes, (nuint)(4 * x));
            }
        }
        for (; x < row.Length; x++)
        {
            var sum = Spread(top[2 * x]) + Spread(top[2 * x + 1]) + Spread(bottom[2 * x]) + Spread(bottom[2 * x + 1]) + 0x0002_0002_0002_0002;
            var mean = (sum >> 2) & 0x00FF_00FF_00FF_00FF;
            row[x] = (uint)(mean & 0x00FF_00FF) | (uint)((mean >> 24) & 0xFF00_FF00);
        }
    }


    /// <summary>
    /// Four pixels of a row and the four below them: the channel sums of the left 2x2 block (in both halves of the
    /// first vector) and of the right one (in both halves of the second).
    /// </summary>
    static (Vector128<ushort> Left, Vector128<ushort> Right) PairSums(Vector128<byte> top, Vector128<byte> bottom)
    {
        var (topLeft, topRight) = Vector128.Widen(top);
        var (bottomLeft, bottomRight) = Vector128.Widen(bottom);
        var left = topLeft + bottomLeft;
        var right = topRight + bottomRight;
        // Constant indices, written in place: the JIT emits one byte shuffle only for a constant.
        return (left + Vector128.Shuffle(left, Vector128.Create((ushort)4, 5, 6, 7, 0, 1, 2, 3)),
            right + Vector128.Shuffle(right, Vector128.Create((ushort)4, 5, 6, 7, 0, 1, 2, 3)));
    }

    /// <summary>
    /// The pixel's four channels in the four 16-bit lanes of a ulong (bytes 0 and 2 in lanes 0 and 1, bytes 1 and 3 in
    /// lanes 2 and 3), so that one addition adds all four channels and four sums of 255 cannot reach the next lane.
    /// </summary>
    static ulong Spread(uint pixel) => (pixel & 0x00FF_00FFu) | ((ulong)(pixel & 0xFF00_FF00u) << 24);
}
