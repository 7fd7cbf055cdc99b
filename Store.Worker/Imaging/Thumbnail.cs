using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace Store.Imaging;

/// <summary>
/// The one resize path of the service: entity previews and the <c>image_thumbnail</c> job task both shrink
/// a picture so that its long edge is at most a given size, aspect kept, never enlarged.
/// </summary>
public static class Thumbnail
{
    /// <summary>The size fitting <paramref name="source"/> within a square of <paramref name="longEdge"/>; the source itself when it already fits.</summary>
    public static Size Fit(Size source, int longEdge) => Fit(source, longEdge, longEdge);

    /// <summary>The size fitting <paramref name="source"/> within a <paramref name="maxWidth"/> x <paramref name="maxHeight"/> box, aspect kept.</summary>
    public static Size Fit(Size source, int maxWidth, int maxHeight)
    {
        if (source.Width <= maxWidth && source.Height <= maxHeight) return source;
        var scale = Math.Min((double)maxWidth / source.Width, (double)maxHeight / source.Height);
        return new Size(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
    }

    /// <summary>
    /// Adds the shrink to a processing pipeline (nothing when the picture already fits). Past a factor of 2 an
    /// area average (box) is as good as bicubic for a small picture and costs half: it is what keeps a preview
    /// made at upload cheap. Closer to the original size bicubic keeps edges crisp.
    /// </summary>
    public static IImageProcessingContext Shrink(this IImageProcessingContext context, int longEdge) => context.Shrink(longEdge, longEdge);

    /// <summary>The same within a box (the <c>image_thumbnail</c> task's width/height, what the CL SDK's media_thumbnail sends).</summary>
    public static IImageProcessingContext Shrink(this IImageProcessingContext context, int maxWidth, int maxHeight)
    {
        var source = context.GetCurrentSize();
        var target = Fit(source, maxWidth, maxHeight);
        if (target == source) return context;
        var factor = (double)Math.Max(source.Width, source.Height) / Math.Max(target.Width, target.Height);
        return context.Resize(target, factor > 2 ? KnownResamplers.Box : KnownResamplers.Bicubic, compand: false);
    }
}
