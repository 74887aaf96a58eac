#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>
#include "codec_status.h"

// libjpeg's default error_exit calls exit(); ours jumps back with the formatted message.
// Kept by the caller of the function that calls setjmp, so it stays valid after the jump.
typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_failure;

static void jpeg_fail(j_common_ptr info) {
    jpeg_failure *failure = (jpeg_failure *)info->err;
    (*info->err->format_message)(info, failure->message);
    longjmp(failure->jump, 1);
}

// Level -1 is a warning (corrupt data, premature end of file): a wrong image is worse than none.
static void jpeg_message(j_common_ptr info, int level) {
    if (level < 0) jpeg_fail(info);
}

static void jpeg_failure_init(jpeg_failure *failure) {
    jpeg_std_error(&failure->manager);
    failure->manager.error_exit = jpeg_fail;
    failure->manager.emit_message = jpeg_message;
    failure->message[0] = '\0';
}

// OpenCV's conversion of libjpeg's CMYK output, which assumes Adobe's inverted CMYK.
static void cmyk_row_to_rgb(const unsigned char *cmyk, unsigned char *rgb, unsigned width) {
    for (unsigned x = 0; x < width; x++, cmyk += 4, rgb += 3) {
        int k = cmyk[3];
        rgb[0] = (unsigned char)(k - ((255 - cmyk[0]) * k >> 8));
        rgb[1] = (unsigned char)(k - ((255 - cmyk[1]) * k >> 8));
        rgb[2] = (unsigned char)(k - ((255 - cmyk[2]) * k >> 8));
    }
}

static tinyssd_codec_result decode(struct jpeg_decompress_struct *info, jpeg_failure *failure, unsigned char **row,
                                   const unsigned char *data, size_t size, tinyssd_codec_buffer *out) {
    if (setjmp(failure->jump)) return TINYSSD_CODEC_CORRUPT;
    jpeg_create_decompress(info);
    jpeg_mem_src(info, data, (unsigned long)size);
    jpeg_read_header(info, TRUE);
    info->out_color_space = info->num_components == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(info);

    unsigned width = info->output_width, height = info->output_height;
    if (!tinyssd_pixel_count_allowed(width, height)) return TINYSSD_CODEC_TOO_LARGE;
    out->width = (int)width;
    out->height = (int)height;
    out->count = (unsigned long)width * height * 3;
    out->bytes = malloc(out->count);
    *row = malloc((size_t)width * (size_t)info->output_components);
    if (out->bytes == NULL || *row == NULL) return TINYSSD_CODEC_NO_MEMORY;
    while (info->output_scanline < height) {
        unsigned char *target = out->bytes + (size_t)info->output_scanline * width * 3;
        JSAMPROW rows[1] = { info->output_components == 3 ? target : *row };
        jpeg_read_scanlines(info, rows, 1);
        if (info->output_components == 4) cmyk_row_to_rgb(*row, target, width);
    }
    jpeg_finish_decompress(info);
    return TINYSSD_CODEC_OK;
}

tinyssd_codec_status tinyssd_decode_jpeg(const unsigned char *data, size_t size, tinyssd_codec_buffer *out) {
    struct jpeg_decompress_struct info;
    jpeg_failure failure;
    unsigned char *row = NULL;

    out->bytes = NULL;
    out->count = 0;
    jpeg_failure_init(&failure);
    info.err = &failure.manager;
    tinyssd_codec_result result = decode(&info, &failure, &row, data, size, out);
    jpeg_destroy_decompress(&info);
    free(row);
    if (result == TINYSSD_CODEC_OK) return tinyssd_status(result, "");
    tinyssd_codec_free(out);
    if (result == TINYSSD_CODEC_TOO_LARGE) return tinyssd_status(result, "image has too many pixels");
    if (result == TINYSSD_CODEC_NO_MEMORY) return tinyssd_status(result, "out of memory");
    return tinyssd_status(result, failure.message);
}

// Our own growable destination: on an error we know exactly which buffer to free.
typedef struct {
    struct jpeg_destination_mgr manager;
    tinyssd_codec_buffer *out;
    size_t capacity;
} jpeg_memory_destination;

static void destination_start(j_compress_ptr info) {
    jpeg_memory_destination *destination = (jpeg_memory_destination *)info->dest;
    destination->capacity = 65536;
    destination->out->bytes = malloc(destination->capacity);
    if (destination->out->bytes == NULL) ERREXIT1(info, JERR_OUT_OF_MEMORY, 0);
    destination->manager.next_output_byte = destination->out->bytes;
    destination->manager.free_in_buffer = destination->capacity;
}

static boolean destination_grow(j_compress_ptr info) {
    jpeg_memory_destination *destination = (jpeg_memory_destination *)info->dest;
    size_t capacity = destination->capacity * 2;
    unsigned char *bytes = realloc(destination->out->bytes, capacity);
    if (bytes == NULL) ERREXIT1(info, JERR_OUT_OF_MEMORY, 1);
    destination->out->bytes = bytes;
    destination->manager.next_output_byte = bytes + destination->capacity;
    destination->manager.free_in_buffer = capacity - destination->capacity;
    destination->capacity = capacity;
    return TRUE;
}

static void destination_finish(j_compress_ptr info) {
    jpeg_memory_destination *destination = (jpeg_memory_destination *)info->dest;
    destination->out->count = (unsigned long)(destination->capacity - destination->manager.free_in_buffer);
}

static int encode(struct jpeg_compress_struct *info, jpeg_failure *failure, jpeg_memory_destination *destination,
                  const unsigned char *rgb, int width, int height, int quality) {
    if (setjmp(failure->jump)) return 0;
    jpeg_create_compress(info);
    info->dest = &destination->manager;
    info->image_width = (JDIMENSION)width;
    info->image_height = (JDIMENSION)height;
    info->input_components = 3;
    info->in_color_space = JCS_RGB;
    jpeg_set_defaults(info);
    jpeg_set_quality(info, quality, TRUE);
    jpeg_start_compress(info, TRUE);
    while (info->next_scanline < info->image_height) {
        JSAMPROW rows[1] = { (JSAMPROW)(rgb + (size_t)info->next_scanline * (size_t)width * 3) };
        jpeg_write_scanlines(info, rows, 1);
    }
    jpeg_finish_compress(info);
    return 1;
}

tinyssd_codec_status tinyssd_encode_jpeg(const unsigned char *rgb, int width, int height, int quality,
                                         tinyssd_codec_buffer *out) {
    struct jpeg_compress_struct info;
    jpeg_failure failure;
    jpeg_memory_destination destination = {
        { NULL, 0, destination_start, destination_grow, destination_finish }, out, 0
    };

    out->bytes = NULL;
    out->count = 0;
    out->width = width;
    out->height = height;
    if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION)
        return tinyssd_status(TINYSSD_CODEC_TOO_LARGE, "JPEG sides must be 1 to 65500 pixels");
    jpeg_failure_init(&failure);
    info.err = &failure.manager;
    int encoded = encode(&info, &failure, &destination, rgb, width, height, quality);
    jpeg_destroy_compress(&info);
    if (encoded) return tinyssd_status(TINYSSD_CODEC_OK, "");
    tinyssd_codec_free(out);
    return tinyssd_status(TINYSSD_CODEC_CORRUPT, failure.message);
}
