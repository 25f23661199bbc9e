/* ccflag: flag changes and expunges made by c-client itself, for the interop
 * tests (mailutil has no command that changes a flag). Opens MAILBOX
 * read-write through the c-client library and applies each operation in turn:
 *   set SEQUENCE FLAGS     mail_setflag   (e.g. set 1:3,7 "\Seen work")
 *   clear SEQUENCE FLAGS   mail_clearflag
 *   expunge                mail_expunge
 * SEQUENCE is by message number, as the session numbers them at that point.
 * Every c-client message goes to stderr; the exit status is 1 when c-client
 * logged an error or opened the mailbox read-only, 2 on bad usage.
 * Build: cc -I/usr/include/c-client -o ccflag ccflag.c -lc-client
 */
#include <stdio.h>
#include <string.h>
#include "c-client.h"

static int errors = 0;

int main (int argc,char *argv[])
{
  MAILSTREAM *stream;
  int i;
  if (argc < 2) {
    fprintf (stderr,"usage: ccflag MAILBOX [set|clear SEQ FLAGS | expunge]...\n");
    return 2;
  }
#include "linkage.c"
  if (!(stream = mail_open (NIL,argv[1],NIL))) {
    fprintf (stderr,"ccflag: cannot open %s\n",argv[1]);
    return 1;
  }
  if (stream->rdonly) {
    fprintf (stderr,"ccflag: %s opened read-only\n",argv[1]);
    mail_close (stream);
    return 1;
  }
  for (i = 2; i < argc; i++) {
    if (!strcmp (argv[i],"expunge")) mail_expunge (stream);
    else if ((i + 2 < argc) && !strcmp (argv[i],"set")) {
      mail_setflag (stream,argv[i+1],argv[i+2]);
      i += 2;
    }
    else if ((i + 2 < argc) && !strcmp (argv[i],"clear")) {
      mail_clearflag (stream,argv[i+1],argv[i+2]);
      i += 2;
    }
    else {
      fprintf (stderr,"ccflag: bad operation %s\n",argv[i]);
      mail_close (stream);
      return 2;
    }
  }
  mail_close (stream);
  return errors ? 1 : 0;
}

void mm_searched (MAILSTREAM *stream,unsigned long number) {}
void mm_exists (MAILSTREAM *stream,unsigned long number) {}
void mm_expunged (MAILSTREAM *stream,unsigned long number) {}
void mm_flags (MAILSTREAM *stream,unsigned long number) {}
void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{ fprintf (stderr,"notify: %s\n",string); }
void mm_list (MAILSTREAM *stream,int delimiter,char *name,long attributes) {}
void mm_lsub (MAILSTREAM *stream,int delimiter,char *name,long attributes) {}
void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *status) {}
void mm_log (char *string,long errflg)
{
  if (errflg == NIL) return;	/* "Expunged N messages" and the like */
  if (errflg == ERROR) errors++;
  fprintf (stderr,"%s: %s\n",errflg == ERROR ? "error" :
	   (errflg == WARN ? "warning" : "info"),string);
}
void mm_dlog (char *string) { fprintf (stderr,"debug: %s\n",string); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial) { *pwd = '\0'; }
void mm_critical (MAILSTREAM *stream) {}
void mm_nocritical (MAILSTREAM *stream) {}
long mm_diskerror (MAILSTREAM *stream,long errcode,long serious)
{ fprintf (stderr,"disk error %ld\n",errcode); return T; }
void mm_fatal (char *string) { fprintf (stderr,"fatal: %s\n",string); }
