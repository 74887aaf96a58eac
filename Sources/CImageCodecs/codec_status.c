#include <stdio.h>
#include <stdlib.h>
#include "codec_status.h"

tinyssd_codec_status tinyssd_status(tinyssd_codec_result result, const char *message) {
    tinyssd_codec_status status;
    status.result = result;
    snprintf(status.message, sizeof status.message, "%s", message);
    return status;
}

int tinyssd_pixel_count_allowed(unsigned long width, unsigned long height) {
    return width > 0 && height > 0 && width <= (unsigned long)TINYSSD_CODEC_MAX_PIXELS / height;
}

void tinyssd_codec_free(tinyssd_codec_buffer *buffer) {
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->count = 0;
}
