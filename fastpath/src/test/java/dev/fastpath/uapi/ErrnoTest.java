package dev.fastpath.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void everyConstantHasItsNameAndAMessage() throws IllegalAccessException {
        int n = 0;
        for (Field f : Errno.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                int value = f.getInt(null);
                assertEquals(f.getName(), Errno.name(value), "name of " + value);
                assertEquals(value, Errno.byName(f.getName()));
                assertFalse(Errno.message(value).startsWith("Unknown"), f.getName());
                n++;
            }
        }
        assertEquals(35, n, "constants");
        assertEquals("E?200", Errno.name(200));
    }
}
