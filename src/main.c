/* main.c — the nimbus command line. */
#include <stdio.h>
int main(int argc, char **argv) { (void)argc; (void)argv; puts("nimbus"); return 0; }
